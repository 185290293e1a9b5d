"""Deadlines outside the site: a personal calendar feed and reminder emails."""
