#pragma once
// TCP counters, named as Linux names them in its TCP and TcpExt MIBs (`nstat`, `netstat -s`), so
// operators read them without a glossary. CurrEstab, CurrTimeWait: gauges.
#include <cstdint>
#include <string_view>

namespace synack {

#define SYNACK_TCP_COUNTERS(X)                                                                  \
  X(ActiveOpens)            /* CLOSED -> SYN_SENT */                                            \
  X(PassiveOpens)           /* LISTEN -> SYN_RECEIVED */                                        \
  X(AttemptFails)           /* SYN_SENT/SYN_RECEIVED -> CLOSED, or SYN_RECEIVED -> LISTEN */    \
  X(EstabResets)            /* ESTABLISHED/CLOSE_WAIT -> CLOSED by RST */                       \
  X(CurrEstab)              /* connections in ESTABLISHED or CLOSE_WAIT now */                  \
  X(InSegs)                 /* segments received, including errors */                           \
  X(OutSegs)                /* segments sent, excluding retransmissions */                      \
  X(RetransSegs)            /* segments retransmitted */                                        \
  X(InErrs)                 /* segments received with errors (checksum, malformed) */           \
  X(InCsumErrors)           /* segments with a bad checksum */                                  \
  X(OutRsts)                /* segments sent with RST */                                        \
  X(ListenOverflows)        /* accept queue full */                                             \
  X(ListenDrops)            /* SYNs and handshake ACKs a listener dropped, any reason */        \
  X(TCPReqQFullDrop)        /* SYN dropped because the SYN queue was full */                    \
  X(TCPTimeouts)            /* retransmission timer expiries */                                 \
  X(TCPSynRetrans)          /* SYN and SYN-ACK retransmissions */                               \
  X(TCPAbortOnTimeout)      /* connections aborted after too many retransmissions */            \
  X(TCPAbortOnClose)        /* close() with unread data: RST instead of FIN */                  \
  X(TCPAbortOnData)         /* data arrived after close(): RST */                               \
  X(TCPAbortOnLinger)       /* orphaned FIN_WAIT_2 timed out (tcp_fin_timeout) */               \
  X(TCPChallengeACK)        /* challenge ACKs sent (RFC 5961) */                                \
  X(TCPSYNChallenge)        /* SYNs in synchronized states answered by a challenge ACK */       \
  X(TCPACKSkippedChallenge) /* challenge ACKs not sent: per-second limit (RFC 5961 s. 7) */     \
  X(SyncookiesSent)         /* SYN-ACKs sent with a SYN cookie (RFC 4987) */                    \
  X(SyncookiesRecv)         /* handshake ACKs with a valid SYN cookie */                        \
  X(SyncookiesFailed)       /* handshake ACKs whose SYN cookie was invalid or too old */        \
  X(TCPConnLimitDrop)       /* SYNs and handshake ACKs dropped at the max_connections limit */  \
  X(TCPTimeWaitOverflow)    /* TIME_WAIT entries refused because the table was full */          \
  X(TWKilled)               /* TIME_WAIT entries ended early (RST without RFC 1337, reuse) */   \
  X(TWRecycled)             /* TIME_WAIT 4-tuples reused by an acceptable new SYN (RFC 6191) */ \
  X(TWExpired)              /* TIME_WAIT entries that ran their full 2 MSL */                   \
  X(TWCreated)              /* TIME_WAIT entries created (reused ones: TWRecycled) */           \
  X(CurrTimeWait)           /* TIME_WAIT entries now, a gauge (`ss -s` "timewait") */           \
  X(PAWSEstabRejected)      /* segments rejected by PAWS (RFC 7323 section 5) */                \
  X(TCPRcvQDrop)            /* data dropped because the receive buffer was full */              \
  X(TCPOFODrop)             /* out-of-order data dropped */                                     \
  X(TCPHalfOpenFreed)       /* half-open entries freed after SYN-ACK retries ran out */         \
  X(TCPDeferAcceptDrop)     /* handshake ACKs dropped because the accept queue was full */      \
  X(NoPortRsts)             /* RSTs sent for segments to no connection or listener */           \
  X(TCPOFOQueue)            /* out-of-order segments kept for reassembly */                     \
  X(TCPFastRetrans)         /* retransmissions in loss recovery (not by the timer) */           \
  X(TCPSackRecovery)        /* loss recoveries driven by SACK (RFC 6675) */                     \
  X(TCPRenoRecovery)        /* loss recoveries without SACK (RFC 6582) */                       \
  X(TCPLossProbes)          /* tail loss probes sent (RFC 8985 section 7) */                    \
  X(TCPLossProbeRecovery)   /* losses repaired by a tail loss probe */                          \
  X(TCPLostRetransmit)      /* retransmissions RACK found lost again (RFC 8985) */              \
  X(TCPDSACKRecv)           /* D-SACK blocks received: a segment arrived twice (RFC 2883) */    \
  X(TCPWinProbe)            /* zero-window probes sent */                                       \
  X(TCPKeepAlive)           /* keepalive probes sent */                                         \
  X(TCPAbortOnKeepalive)    /* connections aborted because keepalive probes went unanswered */

struct TcpCounters {
#define SYNACK_DECLARE_COUNTER(name) std::uint64_t name = 0;
  SYNACK_TCP_COUNTERS(SYNACK_DECLARE_COUNTER)
#undef SYNACK_DECLARE_COUNTER

  // Calls f(name, value) for every counter in declaration order.
  template <typename F>
  void for_each(F&& f) const {
#define SYNACK_VISIT_COUNTER(name) f(std::string_view{#name}, name);
    SYNACK_TCP_COUNTERS(SYNACK_VISIT_COUNTER)
#undef SYNACK_VISIT_COUNTER
  }
};

}  // namespace synack
