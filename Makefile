# kexec-loader — see README.md. Every target installs what it needs (tools/deps).
VERSION := $(shell cat VERSION)
CC      ?= gcc
B       := build
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CSTD    := -std=c11 -D_GNU_SOURCE -DKL_VERSION='"$(VERSION)"'
# Size matters (the initramfs is loaded from slow media): no unwind tables in
# C code, no page-aligned padding between segments.
CFLAGS_REL := $(CSTD) $(WARN) -Os -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
LDFLAGS_REL := -static -Wl,--gc-sections -s -Wl,-z,noseparate-code -Wl,--build-id=none \
	-Wl,-z,norelro
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The sources sit in one folder per stage (docs/architecture.md); every folder is
# on the include path, so a file names a header by its file name alone.
SRC_DIRS := $(sort $(dir $(shell find src -name '*.[ch]')))
INC      := $(patsubst %/,-I%,$(SRC_DIRS))
SRC      := $(sort $(shell find src -name '*.c'))
LIB_SRC  := $(filter-out src/app/main.c,$(SRC))
# The unit tests mirror src/ (tests/unit/<stage>/test_*.c); each builds into
# one binary of the same name in build/unit, so test names are unique.
UNIT_SRC := $(sort $(shell find tests/unit -name 'test_*.c'))
UNIT_BIN := $(addprefix $(B)/unit/,$(basename $(notdir $(UNIT_SRC))))
vpath test_%.c $(sort $(dir $(UNIT_SRC)))
TEST_OBJ := $(patsubst src/%.c,$(B)/tobj/%.o,$(LIB_SRC))
# -MMD -MP: each compile writes the headers it read to a .d file beside its
# output, so an edited header rebuilds only what includes it.
DEPS     := -MMD -MP
CFLAGS_TEST := $(CSTD) $(WARN) -g -O1 $(SAN) $(INC) $(DEPS)

.PHONY: all deps unit e2e check kernel initramfs images demo bench fuzz clean install cppcheck \
	floppy floppy-kernel
all: $(B)/kexec-loader

deps:
	@tools/deps build

# kexec-loader itself is built with musl, static: half the size of a static glibc
# build (docs/design-decisions.md), and the initramfs is read from slow media. Debian's
# static zlib, liblzma, libzstd and libnettle link with it through tools/musl-compat.c.
# musl-gcc leaves /usr/include out on purpose; only these libraries' and Linux's headers
# are put back.
MUSL_CC   := musl-gcc
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null)
MUSL_INC  := $(B)/musl/include
MUSL_HDRS := zlib.h zconf.h lzma.h lzma zstd.h zstd_errors.h nettle linux asm-generic
REL_OBJ  := $(patsubst src/%.c,$(B)/obj/%.o,$(SRC)) $(B)/obj/musl-compat.o
REL_LIBS := $(addprefix /usr/lib/$(MULTIARCH)/,libz.a liblzma.a libzstd.a libnettle.a)
FLOPPY_IMG := $(B)/images/kexec-loader-floppy.img
FLOPPY_2880 := $(B)/images/kexec-loader-floppy-2880.img
FLOPPY_MODS := $(B)/images/kexec-loader-floppy-modules.tar.xz
-include $(REL_OBJ:.o=.d)

$(MUSL_INC)/.done:
	@tools/deps build
	@mkdir -p $(@D)
	for h in $(MUSL_HDRS); do ln -sfn /usr/include/$$h $(@D)/$$h; done
	ln -sfn /usr/include/$(MULTIARCH)/asm $(@D)/asm
	touch $@

# Objects a glibc build left in build/obj are rebuilt: this stamp is newer.
$(B)/obj/.musl:
	@mkdir -p $(@D) && touch $@

$(B)/obj/%.o: src/%.c VERSION $(MUSL_INC)/.done $(B)/obj/.musl | deps
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_REL) $(INC) -I$(MUSL_INC) $(DEPS) -c $< -o $@

$(B)/obj/musl-compat.o: tools/musl-compat.c $(MUSL_INC)/.done $(B)/obj/.musl
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_REL) -c $< -o $@

$(B)/kexec-loader: $(REL_OBJ)
	$(MUSL_CC) $(LDFLAGS_REL) $^ $(REL_LIBS) -o $@


# The test build: every source with ASan and UBSan, host-side.
$(B)/tobj/%.o: src/%.c VERSION | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TEST) -c $< -o $@

$(B)/libkl-test.a: $(TEST_OBJ)
	rm -f $@ && ar rcs $@ $^

# The tests link libzstd as the binary does: statically, with our stand-ins
# for its legacy decoders (src/boot/zstd_nolegacy.c) in place of its own.
ZSTD_NOLEGACY := $(B)/tobj/boot/zstd_nolegacy.o

# A test's header dependencies are kept under its source's path, so that a
# test moved to another folder does not leave a rule naming its old place.
$(B)/unit/%: %.c $(B)/libkl-test.a
	@mkdir -p $(@D) $(dir $(B)/dep/$<)
	$(CC) $(CFLAGS_TEST) -MF $(B)/dep/$<.d -Itests/unit $< $(B)/libkl-test.a $(ZSTD_NOLEGACY) -lcmocka -lz -llzma -l:libzstd.a -lnettle -o $@

unit: $(UNIT_BIN)
	@tools/run-unit $(UNIT_BIN)

-include $(TEST_OBJ:.o=.d) $(patsubst %,$(B)/dep/%.d,$(UNIT_SRC))

# ---- The floppy (docs/floppy.md) ----

# The floppy's kernel: built once per machine, cached outside the tree.
floppy-kernel:
	@tools/floppy/build-kernel $(B)/floppy-kernel

$(B)/floppy/boot.bin: tools/floppy/boot.asm
	@tools/deps floppy
	@mkdir -p $(@D)
	nasm -f bin -o $@ $<

$(B)/floppy/initrd.img: $(B)/kexec-loader tools/mkinitramfs
	@mkdir -p $(@D)
	tools/mkinitramfs --init $< --compress xz -o $@

floppy: floppy-kernel $(B)/floppy/boot.bin $(B)/floppy/initrd.img
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) tools/floppy/mkfloppy $(B)/floppy-kernel/bzImage \
	  $(B)/floppy/boot.bin $(B)/floppy/initrd.img $(FLOPPY_IMG)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) tools/floppy/mkfloppy --size 2880 \
	  $(B)/floppy-kernel/bzImage $(B)/floppy/boot.bin $(B)/floppy/initrd.img $(FLOPPY_2880)
	tools/floppy/mkmodules $(B)/floppy-kernel $(FLOPPY_MODS)

kernel:
	@tools/fetch-kernel $(B)

initramfs: $(B)/kexec-loader kernel
	@tools/deps e2e
	tools/mkinitramfs --kernel-dir $(B)/kernel --set standard --init $(B)/kexec-loader -o $(B)/initramfs.img

# The probe target the virtual-machine tests boot into (tests/probe/probe.c).
$(B)/probe: tests/probe/probe.c | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -static -Os -s $< -o $@

# Boot media (tools/mkimage, docs/kexec-loader-mkimage.8): a USB stick image and a hybrid
# ISO. Reproducible: every date in them is SOURCE_DATE_EPOCH, by default the time of the
# last commit, so the same sources and kernel give the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
images: all kernel
	@tools/deps images
	@mkdir -p $(B)/images
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) tools/mkimage -o $(B)/images/kexec-loader-usb.img
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) tools/mkimage -o $(B)/images/kexec-loader.iso
	cd $(B)/images && sha256sum kexec-loader-usb.img kexec-loader.iso >.SHA256SUMS.tmp && \
	  mv .SHA256SUMS.tmp SHA256SUMS

e2e: all kernel initramfs images $(B)/probe floppy
	@tools/deps e2e
	@tools/run-e2e

check: all
	@tools/deps check
	@tools/check

# The layering matrix and no circles between modules (docs/architecture.md),
# from the include lines and the symbols of the test build's objects.
layers: $(B)/libkl-test.a
	@tools/check-layers $(B)/tobj

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE $(INC) src

# The USB image booted by the firmware: make demo FIRMWARE=uefi (OVMF), uefi-sb (Secure Boot).
FIRMWARE ?= bios
demo: all kernel $(B)/probe
	@tools/deps e2e
	@tools/demo --firmware $(FIRMWARE)

# The benchmark's baseline /init (bench/baseline-init.c), built like the probe.
$(B)/baseline-init: bench/baseline-init.c | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -static -Os -s $< -o $@

bench: all kernel initramfs images $(B)/probe $(B)/baseline-init floppy
	@tools/deps e2e
	@bench/run

fuzz:
	@tools/deps fuzz
	@tools/fuzz $(or $(SECONDS_PER),60) $(FUZZERS)

install: all
	install -D -m 0755 $(B)/kexec-loader $(DESTDIR)/usr/lib/kexec-loader/kexec-loader
	install -D -m 0755 tools/mkinitramfs $(DESTDIR)/usr/sbin/kexec-loader-mkinitramfs
	install -D -m 0755 tools/mkimage $(DESTDIR)/usr/sbin/kexec-loader-mkimage
	install -D -m 0644 tools/imagelib.py $(DESTDIR)/usr/lib/kexec-loader/imagelib.py
	install -D -m 0644 tools/image/kexec-loader.conf $(DESTDIR)/usr/share/kexec-loader/image/kexec-loader.conf
	install -D -m 0644 tools/image/modules-README.txt $(DESTDIR)/usr/share/kexec-loader/image/modules-README.txt
	install -D -m 0644 docs/kexec-loader-mkimage.8 $(DESTDIR)/usr/share/man/man8/kexec-loader-mkimage.8
	install -D -m 0644 docs/kexec-loader.8 $(DESTDIR)/usr/share/man/man8/kexec-loader.8
	install -D -m 0644 docs/kexec-loader.conf.5 $(DESTDIR)/usr/share/man/man5/kexec-loader.conf.5

clean:
	rm -rf $(B)
