"""Tests of the talent package."""
