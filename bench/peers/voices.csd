<CsoundSynthesizer>
; The benchmark voice in Csound: two vco2 saws (band-limited) detuned by 10 cents
; -> zdf_2pole low-pass (TPT state-variable) 1.8 kHz -> madsr -> constant-power
; pan. Voice count and duration come from the macros VOICES and DUR
; (csound --omacro:VOICES=512 --omacro:DUR=10 ...).
<CsOptions>
-n -d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  ifreq = p4
  ipan = p5
  kenv madsr 0.005, 0.2, 0.7, 0.3
  asaw1 vco2 0.5, ifreq * cent(-5)
  asaw2 vco2 0.5, ifreq * cent(5)
  alp zdf_2pole asaw1 + asaw2, 1800, 1.2
  aout = alp * kenv * 0.1
  outs aout * cos(ipan * $M_PI / 2), aout * sin(ipan * $M_PI / 2)
endin

instr 99  ; schedules the voices, then ends
  iv = 0
  while iv < $VOICES do
    schedule 1, 0, $DUR, 55 * 2 ^ ((iv % 48) / 12), (iv % 17) / 16
    iv += 1
  od
endin
</CsInstruments>
<CsScore>
i 99 0 0.01
e $DUR
</CsScore>
</CsoundSynthesizer>
