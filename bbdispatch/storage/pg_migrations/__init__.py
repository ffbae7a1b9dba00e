"""PostgreSQL migrations: numbered SQL files, twins of the SQLite ones from 013 on."""
