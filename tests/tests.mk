# tests.mk: placeholder, filled below
test:
