-- The keys every hotconf script receives, in this order (src/redis/keys.ts builds the list).
-- All share one hash tag, so a script touches a single Redis Cluster slot.
local dueKey = KEYS[1]          -- ZSET id -> run time (ms); pending items, due or not (never in effect)
local processingKey = KEYS[2]   -- ZSET "<token>|<id>" -> lease deadline (ms); claimed, not yet acked
local itemsKey = KEYS[3]        -- HASH id -> "<runAt>|<payload>" while live (pending, leased, awaiting
                                --   republish, dead); "<runAt>|<record>" for a finished retained id
local attemptsKey = KEYS[4]     -- HASH id -> failed attempts so far (written only when an item comes back)
local deadKey = KEYS[5]         -- ZSET id -> time it was given up (ms)
local claimsKey = KEYS[6]       -- STRING claim counter, part of every fencing token
local configKey = KEYS[7]       -- HASH config key -> JSON value (the snapshot)
local versionsKey = KEYS[8]     -- HASH config key -> "<effectiveAt>:<seq>:<revision that applied it>",
                                --   deletes included (tombstones)
local revisionKey = KEYS[9]     -- STRING snapshot revision, incremented whenever the snapshot changes
local seqKey = KEYS[10]         -- STRING counter behind every change's seq
local republishKey = KEYS[11]   -- ZSET id -> next publish attempt (ms); change sets already in effect
                                --   whose publish failed or whose lease expired (never pending again)
local retainedKey = KEYS[12]    -- ZSET id -> end of retention (ms) of a caller-given id: 1e300 while the
                                --   item is live, finish time + idRetentionMs once acked or cancelled
local deadReasonsKey = KEYS[13] -- HASH id -> why it was given up (dead ids only)
local metaKey = KEYS[14]        -- HASH deployment facts: 'layout' (layout version, src/redis/layout.ts),
                                --   'appliedAt' (greatest effectiveAt the snapshot has applied),
                                --   'historyRecords' (history records written, includes/history.lua)
local historyKey = KEYS[15]     -- STREAM the life of every change set
local recurringKey = KEYS[16]   -- HASH recurring id -> definition and its next occurrences
