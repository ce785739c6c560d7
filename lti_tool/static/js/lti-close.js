// Tell the platform (Moodle's registration dialog) that the registration is complete.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
