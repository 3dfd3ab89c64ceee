"""Tests of the courses package."""
