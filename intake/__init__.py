"""Intake: screening instruments, medical history, contraindication rules, review."""
