-- Feed items are keyed as src/sources/feed-keys.ts says: an id that is not a URI or URN
-- (`<guid isPermaLink="false">1</guid>`) is scoped to its feed. Items stored before keep their
-- identity under the new key, so the next poll does not store them a second time.
-- The test below is the SQL form of /^[A-Za-z][A-Za-z0-9+.-]*:./ (a URI or URN scheme).
UPDATE `posts`
SET `external_id` = (SELECT `target` FROM `sources` WHERE `sources`.`id` = `posts`.`source_id`) || '#id:' || `external_id`
WHERE `platform` = 'web'
  AND `source_id` IN (SELECT `id` FROM `sources` WHERE `kind` = 'feed')
  AND NOT (
    substr(`external_id`, 1, 1) GLOB '[A-Za-z]'
    AND instr(`external_id`, ':') > 1
    AND substr(`external_id`, 1, instr(`external_id`, ':') - 1) NOT GLOB '*[^A-Za-z0-9+.-]*'
    AND length(`external_id`) > instr(`external_id`, ':')
  );
