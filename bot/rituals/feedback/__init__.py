"""Feedback ritual: capture what customers say, de-duplicate it, roll it up weekly."""
