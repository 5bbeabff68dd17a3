-- Pantau schema, version 5: real pemda sources (issue 14; DESIGN.md section 4a).
-- A report loaded before the DPA of its year makes a provisional activity list for its OPD
-- (flagged, reconciled when the DPA arrives); realisation reports may carry the keuangan target
-- of the month (SIPD anggaran kas to date, Form-RFK KEUANGAN > RENCANA); the source family and the
-- header path of every field used are kept per import.
ALTER TABLE sub_kegiatan ADD COLUMN provisional BOOLEAN DEFAULT false;
ALTER TABLE realisasi ADD COLUMN target_keuangan DOUBLE;
ALTER TABLE import ADD COLUMN source VARCHAR;
