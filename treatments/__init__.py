"""Treatments: protocols, courses, dosing sessions, discharge, aftercare, boosters."""
