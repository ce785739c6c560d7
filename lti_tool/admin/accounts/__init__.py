"""Admin accounts: server-side sessions, sign-in throttling and the password policy."""
