"""Click commands of the ``boussole`` CLI."""
