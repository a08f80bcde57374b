"""The App Home tab: a person's own view of every ritual."""
