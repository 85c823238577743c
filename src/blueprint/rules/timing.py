"""Rules fed by the analysis: waits, tolerance and the peak-end moments."""
