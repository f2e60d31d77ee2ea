-- PostgreSQL: the numbers of the cases already stored, in one pass over the log.
UPDATE applications SET event_seqs = s.seqs
  FROM (SELECT entity_id, string_agg(seq::text || ',', '' ORDER BY seq) AS seqs
          FROM events WHERE entity_type = 'application'
         GROUP BY entity_id) AS s
 WHERE applications.id = s.entity_id;
