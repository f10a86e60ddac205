-- busted helper for the plain PUC Lua 5.2 run (--run=puc): specs see the real stdlib and load
-- the compiled modules from lua/modules through the ordinary package.path.
_G.DBIO_PROFILE = "puc"
