"""The activity log and (later) the outbox and delivery to subscribers."""
