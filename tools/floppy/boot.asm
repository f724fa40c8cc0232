; kexec-loader's floppy first stage: a boot sector and a loader in the FAT12 reserved
; sectors that read vmlinuz, initrd.img and cmdline.txt from the floppy's root folder with
; BIOS disk calls and start the kernel by the Linux/x86 boot protocol.
;
; It exists because SYSLINUX (ldlinux.sys and ldlinux.c32, about 176 KB) and the kernel
; with kexec-loader do not fit on one 1.44 MB floppy together (docs/floppy.md).
;
; The image builder (tools/floppy/mkfloppy) keeps the BIOS parameter block that mkfs.fat
; wrote (bytes 3-61 of sector 0) and puts the rest of sector 0 and sectors 1.. of this
; file in the reserved sectors. Files are found by their 8.3 names in the root folder and
; followed through the FAT, so the files may be replaced with mtools or any system.
;
; Memory while loading (linear addresses):
;   0x07c00 this sector, 0x07e00 the loader, stack below 0x7c00
;   0x10000 the kernel's real-mode part, heap up to 0x1e000; 0x1e000 the command line
;   0x20000 the FAT, 0x24000 the root folder, 0x30000 the disk buffer (inside one 64 KB
;           DMA page, as floppy DMA requires)
;   0x100000 the kernel's protected-mode part, 0x800000 the initramfs (between the
;           compressed kernel and the 16 MB where an x86_64 kernel decompresses itself)
bits 16
org 0x7c00

STAGE2      equ 0x7e00
SETUP_SEG   equ 0x1000
HEAP_END    equ 0xe000
CMDLINE     equ 0x1e000
CMDLINE_MAX equ 2048
FAT_SEG     equ 0x2000
ROOT_SEG    equ 0x2400
BUF_SEG     equ 0x3000
BUF_SECTORS equ 64
KERNEL_HIGH equ 0x100000
INITRD_ADDR equ 0x800000

; The BIOS parameter block, as mkfs.fat wrote it.
BPS      equ 0x7c0b
SPC      equ 0x7c0d
RSVD     equ 0x7c0e
NFATS    equ 0x7c10
ROOTENTS equ 0x7c11
FATSZ    equ 0x7c16
SPT      equ 0x7c18
HEADS    equ 0x7c1a

; ---- sector 0 ----
	jmp short start
	nop
	times 0x3e-($-$$) db 0

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7c00
	sti
	cld
	mov [drive], dl
	; The loader: the other reserved sectors, all on track 0, head 0, from sector 2.
	mov al, [RSVD]
	dec al
	mov bx, STAGE2
	mov cx, 2
	xor dh, dh
	call read_chs
	jmp stage2

; Reads AL sectors from cylinder/sector CX, head DH to ES:BX, trying four times;
; keeps every register.
read_chs:
	pusha
	mov di, 4
.try:
	pusha
	mov ah, 2
	mov dl, [drive]
	int 0x13
	popa
	jnc .ok
	pusha
	xor ax, ax
	mov dl, [drive]
	int 0x13
	popa
	dec di
	jnz .try
	mov si, msg_disk
	jmp fail
.ok:
	popa
	ret

; Prints SI and the way out, waits for a key and asks the BIOS for the next boot device.
fail:
	call puts
	mov si, msg_key
	call puts
	xor ax, ax
	int 0x16
	int 0x19

puts:
	pusha
.next:
	lodsb
	test al, al
	jz .done
	mov ah, 0x0e
	mov bx, 7
	int 0x10
	jmp .next
.done:
	popa
	ret

drive:    db 0
msg_disk: db 13, 10, "Floppy read error", 0
msg_key:  db ". Press a key to restart.", 13, 10, 0

	times 510-($-$$) db 0
	dw 0xaa55

; ---- the loader (reserved sectors 1..) ----
stage2:
	mov si, msg_hello
	call puts
	cmp word [BPS], 512
	jne bad_fs
	; The root folder follows the FATs; the data area follows the root folder.
	mov ax, [FATSZ]
	movzx cx, byte [NFATS]
	mul cx
	add ax, [RSVD]
	mov [root_lba], ax
	mov cx, [ROOTENTS]
	shr cx, 4
	mov [root_secs], cx
	add ax, cx
	mov [data_lba], ax
	; The first FAT and the root folder.
	mov ax, FAT_SEG
	mov es, ax
	xor bx, bx
	mov ax, [RSVD]
	mov cx, [FATSZ]
	cmp cx, 32
	ja bad_fs
	call read_lba
	mov ax, ROOT_SEG
	mov es, ax
	xor bx, bx
	mov ax, [root_lba]
	mov cx, [root_secs]
	cmp cx, 32
	ja bad_fs
	call read_lba
	push ds
	pop es

	; The command line: cmdline.txt, when there is one.
	mov si, name_cmdline
	call find_file
	jc .no_cmdline
	cmp dword [file_size], CMDLINE_MAX - 1
	jb .load_cmdline
	mov si, msg_cmdline_big
	call puts
	jmp .no_cmdline
.load_cmdline:
	mov dword [dest], CMDLINE
	call load_file
	call clean_cmdline
	jmp .kernel
.no_cmdline:
	push es
	mov ax, CMDLINE >> 4
	mov es, ax
	mov byte [es:0], 0
	pop es

.kernel:
	mov si, name_kernel
	call find_file
	mov si, msg_no_kernel
	jc fail
	mov dword [dest], KERNEL_HIGH
	call load_file
	mov eax, [file_size]
	mov [kernel_size], eax

	mov si, name_initrd
	call find_file
	mov si, msg_no_initrd
	jc fail
	mov dword [dest], INITRD_ADDR
	call load_file
	mov eax, [file_size]
	mov [initrd_size], eax

	; The kernel's header (its first two sectors) tells how long its real-mode part is.
	mov esi, KERNEL_HIGH
	mov edi, SETUP_SEG << 4
	mov ecx, 1024
	call copy_high
	mov ax, SETUP_SEG
	mov es, ax
	mov si, msg_not_linux
	cmp dword [es:0x202], 'HdrS'
	jne fail
	cmp word [es:0x206], 0x0204
	jb fail
	movzx eax, byte [es:0x1f1]
	test al, al
	jnz .have_sects
	mov al, 4
.have_sects:
	inc ax
	shl eax, 9
	mov [setup_len], eax
	push ds
	pop es
	mov esi, KERNEL_HIGH
	mov edi, SETUP_SEG << 4
	mov ecx, eax
	call copy_high
	; The protected-mode part moves down to 1 MB, a setup length at a time, so that no
	; copy overlaps itself.
	mov esi, KERNEL_HIGH
	add esi, [setup_len]
	mov edi, KERNEL_HIGH
	mov edx, [kernel_size]
	sub edx, [setup_len]
	jbe bad_kernel
.move:
	mov ecx, [setup_len]
	cmp ecx, edx
	jbe .move_some
	mov ecx, edx
.move_some:
	call copy_high
	add esi, ecx
	add edi, ecx
	sub edx, ecx
	jnz .move

	; The boot protocol's header fields a loader fills in.
	mov ax, SETUP_SEG
	mov es, ax
	mov byte [es:0x210], 0xff          ; type_of_loader: undefined
	or byte [es:0x211], 0x80           ; loadflags: CAN_USE_HEAP
	mov word [es:0x224], HEAP_END - 0x200
	mov dword [es:0x228], CMDLINE
	mov dword [es:0x218], INITRD_ADDR
	mov eax, [initrd_size]
	mov [es:0x21c], eax
	mov si, msg_start
	call puts

	cli
	mov ax, SETUP_SEG
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov sp, HEAP_END
	jmp SETUP_SEG + 0x20:0

bad_fs:
	mov si, msg_bad_fs
	jmp fail
bad_kernel:
	mov si, msg_not_linux
	jmp fail

; Reads CX sectors from LBA AX to ES:BX, one BIOS call per track.
read_lba:
	pusha
.next:
	jcxz .done
	mov [rl_lba], ax
	mov [rl_left], cx
	xor dx, dx
	div word [SPT]          ; AX: track, DX: sector on it, from 0
	mov cx, [SPT]
	sub cx, dx
	cmp cx, [rl_left]
	jbe .count
	mov cx, [rl_left]
.count:
	mov [rl_n], cx
	inc dx
	mov [rl_sec], dl
	xor dx, dx
	div word [HEADS]        ; AX: cylinder, DX: head
	mov dh, dl
	mov ch, al
	mov cl, ah
	shl cl, 6
	or cl, [rl_sec]
	mov al, [rl_n]
	call read_chs
	mov ax, [rl_n]
	shl ax, 9
	add bx, ax
	mov ax, [rl_lba]
	add ax, [rl_n]
	mov cx, [rl_left]
	sub cx, [rl_n]
	jmp .next
.done:
	popa
	ret

; Looks for the 11-character name at SI in the root folder. Carry set when it is not
; there; otherwise file_cluster and file_size describe it.
find_file:
	pusha
	push es
	mov ax, ROOT_SEG
	mov es, ax
	xor di, di
	mov cx, [ROOTENTS]
.entry:
	cmp byte [es:di], 0
	je .missing
	test byte [es:di + 11], 0x18     ; not a folder or the volume label
	jnz .skip
	pusha
	mov cx, 11
	repe cmpsb
	popa
	je .found
.skip:
	add di, 32
	loop .entry
.missing:
	pop es
	popa
	stc
	ret
.found:
	mov ax, [es:di + 26]
	mov [file_cluster], ax
	mov eax, [es:di + 28]
	mov [file_size], eax
	pop es
	popa
	clc
	ret

; Loads the file that find_file found to the linear address in dest, reading runs of
; consecutive clusters at once. A dot for each run shows progress.
load_file:
	pushad
	mov ax, [file_cluster]
	mov [lf_clus], ax
	mov eax, [file_size]
	mov [lf_left], eax
.run:
	cmp dword [lf_left], 0
	je .done
	mov ax, [lf_clus]
	call check_cluster
	call cluster_lba
	mov [run_lba], ax
	movzx ax, byte [SPC]
	mov [run_n], ax
.extend:
	mov ax, [lf_clus]
	call fat_next
	mov [lf_clus], ax
	movzx ecx, word [run_n]
	shl ecx, 9
	cmp ecx, [lf_left]
	jae .flush
	cmp ax, 0xff8
	jae .flush
	call check_cluster
	call cluster_lba
	mov dx, [run_lba]
	add dx, [run_n]
	cmp ax, dx
	jne .flush
	movzx ax, byte [SPC]
	add ax, [run_n]
	cmp ax, BUF_SECTORS
	ja .flush
	mov [run_n], ax
	jmp .extend
.flush:
	push es
	mov ax, BUF_SEG
	mov es, ax
	xor bx, bx
	mov ax, [run_lba]
	mov cx, [run_n]
	call read_lba
	pop es
	movzx ecx, word [run_n]
	shl ecx, 9
	cmp ecx, [lf_left]
	jbe .copy
	mov ecx, [lf_left]
.copy:
	mov esi, BUF_SEG << 4
	mov edi, [dest]
	call copy_high
	add [dest], ecx
	sub [lf_left], ecx
	mov si, msg_dot
	call puts
	jmp .run
.done:
	popad
	ret

; A cluster number in AX that cannot be part of a file: the FAT is broken, or the
; file is shorter than its folder entry says.
check_cluster:
	cmp ax, 2
	jb .bad
	cmp ax, 0xff0
	jae .bad
	ret
.bad:
	mov si, msg_bad_chain
	jmp fail

; Cluster AX -> its first sector in AX.
cluster_lba:
	push cx
	push dx
	sub ax, 2
	movzx cx, byte [SPC]
	mul cx
	add ax, [data_lba]
	pop dx
	pop cx
	ret

; The FAT12 entry of cluster AX, in AX.
fat_next:
	push bx
	push es
	mov bx, FAT_SEG
	mov es, bx
	mov bx, ax
	shr bx, 1
	add bx, ax
	test al, 1
	mov ax, [es:bx]
	jz .even
	shr ax, 4
	jmp .out
.even:
	and ax, 0x0fff
.out:
	pop es
	pop bx
	ret

; Copies ECX bytes from linear ESI to linear EDI with the BIOS's block move, which
; reaches memory above 1 MB from real mode.
copy_high:
	pushad
	push es
	mov eax, esi
	mov [gdt_src + 2], ax
	shr eax, 16
	mov [gdt_src + 4], al
	mov [gdt_src + 7], ah
	mov eax, edi
	mov [gdt_dst + 2], ax
	shr eax, 16
	mov [gdt_dst + 4], al
	mov [gdt_dst + 7], ah
	inc ecx
	shr ecx, 1
	push ds
	pop es
	mov si, gdt
	mov ah, 0x87
	int 0x15
	pop es
	popad
	jc .failed
	ret
.failed:
	mov si, msg_move
	jmp fail

; cmdline.txt as one line: line ends become spaces, lines starting with # are left out.
clean_cmdline:
	pushad
	push es
	push ds
	mov cx, [file_size]
	mov ax, CMDLINE >> 4
	mov ds, ax
	mov es, ax
	xor si, si
	xor di, di
	mov dl, 1               ; at the start of a line
.next:
	jcxz .end
	lodsb
	dec cx
	test dl, dl
	jz .char
	cmp al, '#'
	jne .char
.comment:
	jcxz .end
	lodsb
	dec cx
	cmp al, 10
	jne .comment
	jmp .next
.char:
	mov dl, 0
	cmp al, 10
	jne .not_lf
	mov dl, 1
	mov al, ' '
.not_lf:
	cmp al, ' '
	jae .store
	mov al, ' '
.store:
	stosb
	jmp .next
.end:
	mov byte [es:di], 0
	pop ds
	pop es
	popad
	ret

align 8
gdt:
	times 16 db 0
gdt_src:
	dw 0xffff, 0
	db 0, 0x93, 0, 0
gdt_dst:
	dw 0xffff, 0
	db 0, 0x93, 0, 0
	times 16 db 0

name_kernel:  db "VMLINUZ    "
name_initrd:  db "INITRD  IMG"
name_cmdline: db "CMDLINE TXT"
msg_hello:       db "kexec-loader: loading", 0
msg_dot:         db ".", 0
msg_start:       db 13, 10, "Starting the kernel", 13, 10, 0
msg_no_kernel:   db 13, 10, "vmlinuz is not on this floppy", 0
msg_no_initrd:   db 13, 10, "initrd.img is not on this floppy", 0
msg_not_linux:   db 13, 10, "vmlinuz is not a Linux kernel (2.6 or later)", 0
msg_bad_fs:      db 13, 10, "This floppy's FAT is not one this loader reads", 0
msg_bad_chain:   db 13, 10, "A file's FAT chain is broken (run fsck.fat)", 0
msg_cmdline_big: db 13, 10, "cmdline.txt is over 2 KB and is left out", 13, 10, 0
msg_move:        db 13, 10, "The BIOS could not copy to high memory", 0

root_lba:     dw 0
root_secs:    dw 0
data_lba:     dw 0
rl_lba:       dw 0
rl_left:      dw 0
rl_n:         dw 0
rl_sec:       db 0
file_cluster: dw 0
file_size:    dd 0
dest:         dd 0
lf_clus:      dw 0
lf_left:      dd 0
run_lba:      dw 0
run_n:        dw 0
kernel_size:  dd 0
initrd_size:  dd 0
setup_len:    dd 0
