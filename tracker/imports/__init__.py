"""Importing activities from a CSV file, and a whole account from a full JSON export."""
