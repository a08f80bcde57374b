"""PM / sales buddies: fair cross-group pairing, shared customer calls, reminders, takeaways."""
