"""LTI Assignment and Grade Services: the score outbox, its delivery, and the line items."""
