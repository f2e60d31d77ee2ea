//! `tongban backup` under write load, and a restore from its copy.
