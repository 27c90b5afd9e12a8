-- When an appeal was answered, so that one ANSWERED for 30 days without a reply from its author
-- closes by itself (issue 22). Appeals answered before this column existed keep it NULL and are
-- closed by a handler.
ALTER TABLE inquiries ADD COLUMN answer_time timestamptz;
CREATE INDEX inquiries_answered ON inquiries (answer_time) WHERE state = 'ANSWERED';
