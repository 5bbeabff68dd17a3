-- PostgreSQL twin of db/migrations/008_finite_numbers.sql: the same schema, with DuckDB's DOUBLE spelled DOUBLE PRECISION.
-- Pantau schema, version 8: no stored number is infinite, NaN or absurdly large (issue 15).
-- Before numbers were bounded on reading (core.numbers: magnitude below 10^15, percentages within
-- +-10.000) a report could store inf ("1" followed by 400 zeros, 1e309) and break every recap,
-- page and export. Such values stored earlier are cleared here: the value becomes empty (0 where
-- the column cannot be empty) and a realisation row keeps its place, flagged. From now on the
-- readers refuse them and the store checks every insert (db/finite.py).
-- abs(NaN) < x is false in DuckDB (NaN sorts above every number), so NaN is cleared as well.
UPDATE realisasi SET
    flagged = true,
    pagu = CASE WHEN abs(pagu) < 1e15 THEN pagu END,
    realisasi_keuangan = CASE WHEN abs(realisasi_keuangan) < 1e15 THEN realisasi_keuangan END,
    target_keuangan = CASE WHEN abs(target_keuangan) < 1e15 THEN target_keuangan END,
    target_fisik = CASE WHEN abs(target_fisik) <= 10000 THEN target_fisik END,
    realisasi_fisik = CASE WHEN abs(realisasi_fisik) <= 10000 THEN realisasi_fisik END
WHERE NOT abs(pagu) < 1e15 OR NOT abs(realisasi_keuangan) < 1e15 OR NOT abs(target_keuangan) < 1e15
    OR NOT abs(target_fisik) <= 10000 OR NOT abs(realisasi_fisik) <= 10000;
UPDATE import SET pagu = NULL WHERE NOT abs(pagu) < 1e15;
UPDATE import SET realisasi_keuangan = NULL WHERE NOT abs(realisasi_keuangan) < 1e15;
UPDATE sub_kegiatan SET pagu = 0 WHERE NOT abs(pagu) < 1e15;
UPDATE sub_kegiatan SET pagu_murni = NULL WHERE NOT abs(pagu_murni) < 1e15;
UPDATE belanja SET pagu = 0 WHERE NOT abs(pagu) < 1e15;
UPDATE anggaran_kas SET nilai = 0 WHERE NOT abs(nilai) < 1e15;
UPDATE dpa_change SET pagu_before = NULL WHERE NOT abs(pagu_before) < 1e15;
UPDATE dpa_change SET pagu_after = NULL WHERE NOT abs(pagu_after) < 1e15;
UPDATE indikator SET
    target_tahunan = CASE WHEN abs(target_tahunan) < 1e15 THEN target_tahunan END,
    target_tw1 = CASE WHEN abs(target_tw1) < 1e15 THEN target_tw1 END,
    target_tw2 = CASE WHEN abs(target_tw2) < 1e15 THEN target_tw2 END,
    target_tw3 = CASE WHEN abs(target_tw3) < 1e15 THEN target_tw3 END,
    target_tw4 = CASE WHEN abs(target_tw4) < 1e15 THEN target_tw4 END
WHERE NOT abs(target_tahunan) < 1e15 OR NOT abs(target_tw1) < 1e15 OR NOT abs(target_tw2) < 1e15
    OR NOT abs(target_tw3) < 1e15 OR NOT abs(target_tw4) < 1e15;
UPDATE kinerja SET realisasi = NULL WHERE NOT abs(realisasi) < 1e15;
UPDATE kinerja SET target_file = NULL WHERE NOT abs(target_file) < 1e15;
UPDATE kinerja_pending SET realisasi = NULL WHERE NOT abs(realisasi) < 1e15;
UPDATE kinerja_pending SET target_file = NULL WHERE NOT abs(target_file) < 1e15;
