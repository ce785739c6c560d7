"""Instructors: the deep-linking configuration form, the group dashboard, exports."""
