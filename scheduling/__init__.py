"""Scheduling: payers, appointment requests, the front-desk queue, appointments."""
