"""The learner's adaptive attempt: start or resume, one item per page, feedback, result."""
