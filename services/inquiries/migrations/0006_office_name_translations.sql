-- Issue 23: an office's name in the other languages of the pages, NULL when
-- not given (the page then shows display_name).
ALTER TABLE offices ADD COLUMN display_name_kk text, ADD COLUMN display_name_ru text,
  ADD COLUMN display_name_en text;
