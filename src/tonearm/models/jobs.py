"""Job rows (placeholder until the jobs package lands)."""
