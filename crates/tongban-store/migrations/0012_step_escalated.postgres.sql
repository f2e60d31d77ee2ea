-- PostgreSQL: cases whose current step is among their escalated steps (read from the state
-- JSON; the LIKE passes over the many cases with none before any JSON is parsed).
UPDATE applications SET step_escalated = 1
 WHERE state_json NOT LIKE '%"escalated_steps":[]%'
   AND (state_json::jsonb -> 'escalated_steps') @> jsonb_build_array(state_json::jsonb -> 'current_step');
