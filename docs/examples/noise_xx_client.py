#!/usr/bin/env python3
"""An independent Noise_XX_25519_ChaChaPoly_SHA256 initiator, written from the Noise spec
(revision 34) and the peerlink wire description only (2-byte BE length framing, prologue
"peerlink broker 1", empty payloads). Uses pyca/cryptography for X25519 and ChaCha20-Poly1305.
Usage: noise_xx_client.py PORT NAME"""
import hashlib, hmac, os, socket, struct, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

RAW = serialization.Encoding.Raw
def pub(k): return k.public_key().public_bytes(RAW, serialization.PublicFormat.Raw)
def dh(k, p): return k.exchange(X25519PublicKey.from_public_bytes(p))
def H(d): return hashlib.sha256(d).digest()
def hk(ck, ikm, n):
    t = hmac.new(ck, ikm, hashlib.sha256).digest()
    o1 = hmac.new(t, b"\x01", hashlib.sha256).digest()
    o2 = hmac.new(t, o1 + b"\x02", hashlib.sha256).digest()
    return o1, o2

class CS:
    def __init__(s): s.k = None; s.n = 0
    def nonce(s): return b"\0" * 4 + struct.pack("<Q", s.n)
    def enc(s, ad, pt):
        if s.k is None: return pt
        c = ChaCha20Poly1305(s.k).encrypt(s.nonce(), pt, ad); s.n += 1; return c
    def dec(s, ad, ct):
        if s.k is None: return ct
        p = ChaCha20Poly1305(s.k).decrypt(s.nonce(), ct, ad); s.n += 1; return p

class SS:
    def __init__(s, name, prologue):
        s.h = name.ljust(32, b"\0") if len(name) <= 32 else H(name); s.ck = s.h; s.c = CS()
        s.mh(prologue)
    def mh(s, d): s.h = H(s.h + d)
    def mk(s, ikm): s.ck, k = hk(s.ck, ikm, 2); s.c = CS(); s.c.k = k
    def eh(s, pt): c = s.c.enc(s.h, pt); s.mh(c); return c
    def dh_(s, c): p = s.c.dec(s.h, c); s.mh(c); return p

def send(sock, m): sock.sendall(struct.pack(">H", len(m)) + m)
def recv_exact(sock, n):
    b = b""
    while len(b) < n:
        x = sock.recv(n - len(b))
        if not x: raise EOFError
        b += x
    return b
def recv(sock): (n,) = struct.unpack(">H", recv_exact(sock, 2)); return recv_exact(sock, n)

port, name = int(sys.argv[1]), sys.argv[2]
s_key, e_key = X25519PrivateKey.generate(), X25519PrivateKey.generate()
ss = SS(b"Noise_XX_25519_ChaChaPoly_SHA256", b"peerlink broker 1")
sock = socket.create_connection(("127.0.0.1", port))
# -> e
m = pub(e_key); ss.mh(m); m += ss.eh(b""); send(sock, m)
# <- e, ee, s, es
m = recv(sock); re = m[:32]; ss.mh(re); ss.mk(dh(e_key, re))
rs = ss.dh_(m[32:80]); ss.mk(dh(e_key, rs)); ss.dh_(m[80:])
print("broker static key fingerprint", H(rs).hex())
# -> s, se
m = ss.eh(pub(s_key)); ss.mk(dh(s_key, re)); m += ss.eh(b""); send(sock, m)
t1, t2 = hk(ss.ck, b"", 2); tx, rx = CS(), CS(); tx.k, rx.k = t1, t2
line = ("HELLO 1.0\nREGISTER %s 40001 %s\nUSERS\nBYE\n" % (name, os.urandom(32).hex())).encode()
send(sock, tx.enc(b"", line))
got = b""
while b"BYE" not in got:
    got += rx.dec(b"", recv(sock))
sys.stdout.write(got.decode())
