"""Tests of item calibration (item_bank.irt.calibration) and the calibrate command."""
