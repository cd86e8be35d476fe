-- The keys every hotconf script receives, in this order (src/redis/keys.ts builds the list).
-- All share one hash tag, so a script touches a single Redis Cluster slot.
local dueKey = KEYS[1]          -- ZSET id -> run time (ms); pending items, due or not
local processingKey = KEYS[2]   -- ZSET "<token>|<id>" -> lease deadline (ms); claimed, not yet acked
local itemsKey = KEYS[3]        -- HASH id -> "<runAt>|<payload>"
local attemptsKey = KEYS[4]     -- HASH id -> failed attempts so far (written only when an item comes back)
local deadKey = KEYS[5]         -- ZSET id -> time it was given up (ms)
local claimsKey = KEYS[6]       -- STRING claim counter, part of every fencing token
local configKey = KEYS[7]       -- HASH config key -> JSON value (the snapshot)
local versionsKey = KEYS[8]     -- HASH config key -> "<effectiveAt>:<seq>", deletes included (tombstones)
local revisionKey = KEYS[9]     -- STRING snapshot revision, incremented whenever the snapshot changes
local seqKey = KEYS[10]         -- STRING counter behind every change's seq
local republishKey = KEYS[11]   -- ZSET id -> next publish attempt (ms); change sets in effect, publish pending
local retainedKey = KEYS[12]    -- ZSET id -> end of retention (ms); finished or cancelled ids
local deadReasonsKey = KEYS[13] -- HASH id -> why it was given up
local metaKey = KEYS[14]        -- HASH deployment facts; field 'layout' is the layout version
local historyKey = KEYS[15]     -- STREAM the life of every change set
local recurringKey = KEYS[16]   -- HASH recurring id -> definition and its next occurrences
local keyRevisionsKey = KEYS[17] -- HASH config key -> revision that last changed it (release control)
