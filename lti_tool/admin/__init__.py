"""The tool's own administration: platforms, deployments, keys, the item bank."""
