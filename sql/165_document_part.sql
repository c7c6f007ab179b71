-- 165_document_part: the part of a branch's issue a payment document went
-- out in.  Part 1 is the branch's first publication, in the packages
-- out/docs/YYYY-MM/BRANCH/CHANNEL.zip; a document issued later for the
-- same period and branch (an account loaded or billed after publication,
-- the legal entities after the households) goes out in the next part, in
-- the supplementary packages CHANNEL-N.zip, so that a published package is
-- never rewritten (issue 16).
ALTER TABLE document ADD COLUMN part smallint NOT NULL DEFAULT 1 CHECK (part >= 1);
