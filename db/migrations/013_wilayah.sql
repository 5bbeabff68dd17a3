-- Pantau schema, version 13: the kabupaten/kota of an OPD (issue 18, item 3). An install of a
-- pemerintah provinsi consolidates the OPDs of 20-40 kabupaten/kota; each OPD names the one it
-- belongs to so a user of the province picks a kabupaten/kota first and every recap reads only
-- its OPDs. NULL: the install's own daerah (a kabupaten/kota install leaves it empty).
ALTER TABLE opd ADD COLUMN wilayah VARCHAR;
