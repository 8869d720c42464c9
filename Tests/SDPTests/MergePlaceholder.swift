// Placeholder until the SDP tests merge.
