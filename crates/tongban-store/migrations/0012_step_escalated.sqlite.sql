-- SQLite: cases whose current step is among their escalated steps (read from the state JSON;
-- the LIKE passes over the many cases with none before any JSON is parsed).
UPDATE applications SET step_escalated = 1
 WHERE state_json NOT LIKE '%"escalated_steps":[]%'
   AND EXISTS (SELECT 1 FROM json_each(applications.state_json, '$.escalated_steps') AS s
                WHERE s.value = json_extract(applications.state_json, '$.current_step'));
