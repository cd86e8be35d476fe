-- The layout version of the keys this code writes (src/redis/layout.ts reads it from here).
local layoutVersion = 2
