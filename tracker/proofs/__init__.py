"""Proof first: reading a certificate into an activity, pending uploads and the proof inbox."""
