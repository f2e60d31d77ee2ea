-- SQLite: the numbers of the cases already stored, in one pass over the log.
UPDATE applications SET event_seqs = s.seqs
  FROM (SELECT entity_id, group_concat(seq || ',', '') AS seqs
          FROM (SELECT entity_id, seq FROM events WHERE entity_type = 'application' ORDER BY seq)
         GROUP BY entity_id) AS s
 WHERE applications.id = s.entity_id;
