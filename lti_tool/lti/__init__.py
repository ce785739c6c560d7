"""LTI 1.3: OIDC login, launch validation, JWKS, Dynamic Registration, keys and services."""
