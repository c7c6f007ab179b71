# sbyt - build, test, demo.  `make V=1` shows the commands.
#
#   make            build ./sbyt (developer warnings, -Werror)
#   make demo       install what is missing, start the private cluster, run the demo
#   make check      the same set-up, then every test against a real PostgreSQL
#   make SANITIZE=address,undefined check   the tests under ASan and UBSan
#   make install PREFIX=/usr/local          binary, man pages, rules, SQL, jobs/ and
#                                           /etc/sbyt/sbyt.conf (kept when present)
#   make bench      the benchmark (BENCH_N accounts, default 100000)
#   make bench-year day 366 beside day 1: daily and month after a year of history
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS each

VERSION  := 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/sbyt
SYSCONFDIR ?= /etc

CC       ?= cc
PKGS     := libpq libxml-2.0 xlsxwriter libzip libpcre2-8 cairo pangocairo libqrencode zlib libisal
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WERROR   ?= -Werror
WARN     := -Wall -Wextra $(WERROR) -Wstrict-prototypes -Wvla -Wshadow \
            -Wno-unused-parameter -Wformat=2 -Wformat-truncation=1 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Ilib \
             -DSBYT_VERSION='"$(VERSION)"' -DSBYT_SHAREDIR='"$(SHAREDIR)"' -MMD -MP
LDLIBS   := $(PKG_LIBS) -lm

ifneq ($(SANITIZE),)
BUILD    ?= build/san
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
else
BUILD    ?= build
endif

ifeq ($(V),1)
Q :=
msg = @:
else
Q := @
msg = @printf '  %-6s %s\n'
endif

LIB_SRC  := $(sort $(wildcard lib/*.c))
BIN_SRC  := $(sort $(wildcard bin/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/t_*.c))
SQL      := $(sort $(wildcard sql/*.sql))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/sql_embed.o
BIN_OBJ  := $(BIN_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOLS    := $(patsubst tools/%.c,$(BUILD)/tools/%,$(filter-out tools/embed.c,$(wildcard tools/*.c)))

SBYT     := $(BUILD)/sbyt

.SECONDARY:
.PHONY: all deps pg pg-stop demo check unit install clean bench bench-year fuzz FORCE
all: $(SBYT) sbyt $(UNIT_BIN) $(TOOLS)

sbyt: $(SBYT)
	$(Q)ln -sf $(SBYT) sbyt

$(BUILD)/%.o: %.c
	$(msg) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/embed: tools/embed.c
	$(msg) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O1 -o $@ $<

# The list of migrations, rewritten only when it changes: a deleted
# sql/*.sql file leaves the embedded set too.
$(BUILD)/gen/sql.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SQL)' | cmp -s - $@ || echo '$(SQL)' > $@

$(BUILD)/gen/sql_embed.c: $(SQL) $(BUILD)/embed $(BUILD)/gen/sql.list
	$(msg) EMBED sql
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/embed sql_files $(SQL) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/sql_embed.o: $(BUILD)/gen/sql_embed.c
	$(msg) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libsbyt.a: $(LIB_OBJ)
	$(msg) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(SBYT): $(BIN_OBJ) $(BUILD)/libsbyt.a
	$(msg) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(BIN_OBJ) $(BUILD)/libsbyt.a $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libsbyt.a
	$(msg) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsbyt.a $(LDLIBS)

$(BUILD)/tools/%: $(BUILD)/tools/%.o $(BUILD)/libsbyt.a
	$(msg) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libsbyt.a $(LDLIBS)

# Packages that are missing get installed (apt-get when root, else the
# command is printed); the private cluster lives under var/ (see tools/pg.sh).
deps:
	$(Q)sh tools/deps.sh

pg: deps
	$(Q)sh tools/pg.sh start

pg-stop:
	$(Q)sh tools/pg.sh stop

unit: all
	$(Q)sh tests/run.sh --unit-only $(BUILD)

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tools/pg.sh start
	$(Q)sh tests/run.sh $(BUILD)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tools/pg.sh start
	$(Q)sh tools/demo.sh $(BUILD)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tools/pg.sh start
	$(Q)sh tools/bench.sh $(BUILD)

bench-year: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tools/pg.sh start
	$(Q)sh tools/bench_year.sh $(BUILD)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tools/fuzz.sh

# The binary finds its rules at run time beside itself (PREFIX/bin/sbyt ->
# PREFIX/share/sbyt/rules), so PREFIX here is honoured whatever the build
# was made with; rules= in sbyt.conf or SBYT_RULES override it.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SHAREDIR)
	install -m 0755 $(SBYT) $(DESTDIR)$(BINDIR)/sbyt
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	rm -rf $(DESTDIR)$(SHAREDIR)/rules
	cp -R rules $(DESTDIR)$(SHAREDIR)/
	cp -R sql $(DESTDIR)$(SHAREDIR)/
	install -d $(DESTDIR)$(SHAREDIR)/xsd $(DESTDIR)$(SHAREDIR)/jobs
	install -m 0644 xsd/*.xsd $(DESTDIR)$(SHAREDIR)/xsd/
	install -d $(DESTDIR)$(SHAREDIR)/xsd/fns
	install -m 0644 xsd/fns/*.xsd xsd/fns/README.md $(DESTDIR)$(SHAREDIR)/xsd/fns/
	install -m 0755 jobs/sbyt-job $(DESTDIR)$(SHAREDIR)/jobs/
	install -m 0644 jobs/crontab jobs/*.service jobs/*.timer $(DESTDIR)$(SHAREDIR)/jobs/
	install -d $(DESTDIR)$(SYSCONFDIR)/sbyt
	[ -e $(DESTDIR)$(SYSCONFDIR)/sbyt/sbyt.conf ] || \
		install -m 0640 etc/sbyt.conf $(DESTDIR)$(SYSCONFDIR)/sbyt/sbyt.conf
	install -m 0644 etc/sbyt.conf $(DESTDIR)$(SHAREDIR)/sbyt.conf.example

clean:
	rm -rf build sbyt

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
