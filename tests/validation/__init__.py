"""chaindrag.validation: every claim check passes on consistent inputs and fails on wrong ones.

The inputs are small synthetic tables built from the analytic formulas (no simulation): a
check that cannot fail proves nothing, so each one is shown failing on a deliberately wrong
table, and its not-applicable path (missing or too little data) is exercised too.
"""
