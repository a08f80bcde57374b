"""Reporting: the monthly ops report with charts and the quarterly pulse survey."""
