// A small C shim between the C# binding (sim/Mujoco/MujocoNative.cs) and Debian's libmujoco 2.2.2.
//
// Why a shim instead of P/Invoke straight into libmujoco:
// - mjModel/mjData are large structs whose layout changes between MuJoCo releases; compiled against the
//   installed headers, this file hands C# only pointers and lengths, so no struct offset lives in C#.
// - MuJoCo's default error handler prints and calls exit(). Every entry point here runs under a setjmp
//   guard and the installed mju_user_error handler longjmps back to it, so an error becomes a return code
//   plus a message (C# throws) instead of a process exit.
// - Warnings (e.g. "bad qacc, simulation reset") are counted and the last one kept, for C# to log.
//
// Build: the sim project's BuildMujocoShim target runs gcc on this file (see Robotics.Sim.csproj).
#include <mujoco/mujoco.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RS_EXPORT __attribute__((visibility("default")))
#define RS_MSG 1024

typedef struct rs_sim {
  mjModel* m;
  mjData* d;
} rs_sim;

static _Thread_local jmp_buf* tl_guard;
static _Thread_local char tl_error[RS_MSG];
static char g_warning[RS_MSG];
static volatile int g_warning_count;

static void rs_on_error(const char* msg) {
  snprintf(tl_error, RS_MSG, "%s", msg);
  if (tl_guard) longjmp(*tl_guard, 1);
  // No guard: a MuJoCo call outside the shim's entry points. Returning lets MuJoCo continue instead of
  // exiting; the message is still kept for rs_last_error.
}

static void rs_on_warning(const char* msg) {
  snprintf(g_warning, RS_MSG, "%s", msg);
  __atomic_add_fetch(&g_warning_count, 1, __ATOMIC_RELAXED);
}

// Runs `body` under the error guard; on a MuJoCo error jumps to `fail` with tl_error set.
#define RS_GUARDED(body, fail)                 \
  do {                                         \
    jmp_buf env_;                              \
    jmp_buf* saved_ = tl_guard;                \
    if (setjmp(env_) == 0) {                   \
      tl_guard = &env_;                        \
      body;                                    \
      tl_guard = saved_;                       \
    } else {                                   \
      tl_guard = saved_;                       \
      fail;                                    \
    }                                          \
  } while (0)

RS_EXPORT int rs_init(void) {
  mju_user_error = rs_on_error;
  mju_user_warning = rs_on_warning;
  return mj_version();
}

RS_EXPORT const char* rs_last_error(void) { return tl_error; }
RS_EXPORT const char* rs_last_warning(void) { return g_warning; }
RS_EXPORT volatile int* rs_warning_counter(void) { return &g_warning_count; }

static rs_sim* rs_make(mjModel* m) {
  rs_sim* s = NULL;
  mjData* volatile d = NULL;
  RS_GUARDED(
      {
        d = mj_makeData(m);
        if (d) mj_forward(m, d);
      },
      {
        if (d) mj_deleteData(d);
        mj_deleteModel(m);
        return NULL;
      });
  if (!d) {
    snprintf(tl_error, RS_MSG, "mj_makeData failed (out of memory?)");
    mj_deleteModel(m);
    return NULL;
  }
  s = (rs_sim*)calloc(1, sizeof(rs_sim));
  s->m = m;
  s->d = d;
  return s;
}

RS_EXPORT rs_sim* rs_load_file(const char* path) {
  mjModel* volatile m = NULL;
  char err[RS_MSG] = "";
  RS_GUARDED(m = mj_loadXML(path, NULL, err, RS_MSG), return NULL);
  if (!m) {
    snprintf(tl_error, RS_MSG, "%s", err[0] ? err : "mj_loadXML failed");
    return NULL;
  }
  return rs_make(m);
}

// Loads MJCF text through MuJoCo's virtual file system (no temporary file).
RS_EXPORT rs_sim* rs_load_string(const char* xml) {
  static const char* name = "model.xml";
  mjModel* volatile m = NULL;
  char err[RS_MSG] = "";
  mjVFS* vfs = (mjVFS*)malloc(sizeof(mjVFS));
  if (!vfs) {
    snprintf(tl_error, RS_MSG, "out of memory for the virtual file system");
    return NULL;
  }
  volatile int ok = 0;
  RS_GUARDED(
      {
        mj_defaultVFS(vfs);
        int len = (int)strlen(xml);
        if (mj_makeEmptyFileVFS(vfs, name, len) == 0) {
          int i = mj_findFileVFS(vfs, name);
          memcpy(vfs->filedata[i], xml, (size_t)len);
          m = mj_loadXML(name, vfs, err, RS_MSG);
          ok = 1;
        }
        mj_deleteVFS(vfs);
      },
      {
        free(vfs);
        return NULL;
      });
  free(vfs);
  if (!ok) {
    snprintf(tl_error, RS_MSG, "could not create the in-memory model file");
    return NULL;
  }
  if (!m) {
    snprintf(tl_error, RS_MSG, "%s", err[0] ? err : "mj_loadXML failed");
    return NULL;
  }
  return rs_make(m);
}

RS_EXPORT void rs_free(rs_sim* s) {
  if (!s) return;
  RS_GUARDED({ mj_deleteData(s->d); mj_deleteModel(s->m); }, {});
  free(s);
}

// Sum of MuJoCo's instability warnings (bad qpos/qvel/qacc: MuJoCo resets the state) since the last call.
static int rs_take_instability(mjData* d) {
  int n = d->warning[mjWARN_BADQPOS].number + d->warning[mjWARN_BADQVEL].number + d->warning[mjWARN_BADQACC].number;
  if (n) {
    d->warning[mjWARN_BADQPOS].number = 0;
    d->warning[mjWARN_BADQVEL].number = 0;
    d->warning[mjWARN_BADQACC].number = 0;
  }
  return n;
}

// `nstep` plain mj_step calls (MuJoCo's own loop). Returns 0, 1 when MuJoCo reported an unstable state
// (and reset it), -1 on an error (message in rs_last_error).
RS_EXPORT int rs_step(rs_sim* s, int nstep) {
  int rc = 0;
  RS_GUARDED(
      {
        for (int i = 0; i < nstep; i++) mj_step(s->m, s->d);
        rc = rs_take_instability(s->d) ? 1 : 0;
      },
      return -1);
  return rc;
}

// DeepMind Control's step (dm_control's legacy_step): positions, velocities and sensors in mjData agree
// with the new qpos/qvel afterwards. With Euler the previous mj_step1 already ran for this state, so the
// step finishes with mj_step2; RK4 needs a full mj_step. Either way mj_step1 follows.
RS_EXPORT int rs_step_synced(rs_sim* s, int nstep) {
  int rc = 0;
  RS_GUARDED(
      {
        if (s->m->opt.integrator != mjINT_RK4) {
          mj_step2(s->m, s->d);
          for (int i = 1; i < nstep; i++) mj_step(s->m, s->d);
        } else {
          for (int i = 0; i < nstep; i++) mj_step(s->m, s->d);
        }
        mj_step1(s->m, s->d);
        rc = rs_take_instability(s->d) ? 1 : 0;
      },
      return -1);
  return rc;
}

RS_EXPORT int rs_forward(rs_sim* s) {
  RS_GUARDED(mj_forward(s->m, s->d), return -1);
  return 0;
}

RS_EXPORT int rs_reset(rs_sim* s) {
  RS_GUARDED({ mj_resetData(s->m, s->d); mj_forward(s->m, s->d); }, return -1);
  return 0;
}

// Recomputes the model's derived constants after masses or inertias changed.
RS_EXPORT int rs_set_const(rs_sim* s) {
  RS_GUARDED(mj_setConst(s->m, s->d), return -1);
  return 0;
}

RS_EXPORT int rs_name2id(rs_sim* s, int type, const char* name) {
  int id = -1;
  RS_GUARDED(id = mj_name2id(s->m, type, name), return -1);
  return id;
}

RS_EXPORT double rs_time(rs_sim* s) { return s->d->time; }
RS_EXPORT void rs_set_time(rs_sim* s, double t) { s->d->time = t; }
RS_EXPORT double* rs_timestep(rs_sim* s) { return &s->m->opt.timestep; }
RS_EXPORT int rs_integrator(rs_sim* s) { return s->m->opt.integrator; }

// Sizes, in this order: nq, nv, nu, na, nbody, njnt, ngeom, nsensor, nsensordata.
RS_EXPORT void rs_sizes(rs_sim* s, int* out) {
  const mjModel* m = s->m;
  out[0] = m->nq; out[1] = m->nv; out[2] = m->nu; out[3] = m->na; out[4] = m->nbody;
  out[5] = m->njnt; out[6] = m->ngeom; out[7] = m->nsensor; out[8] = m->nsensordata;
}

// Field ids (keep in step with MujocoField in MujocoNative.cs). Doubles unless noted.
enum {
  F_QPOS, F_QVEL, F_CTRL, F_SENSORDATA, F_XPOS, F_XMAT, F_GEOM_XPOS, F_QACC,
  F_BODY_MASS, F_BODY_INERTIA, F_DOF_DAMPING, F_GEOM_FRICTION, F_ACTUATOR_GAINPRM, F_ACTUATOR_BIASPRM,
  F_GEOM_SIZE, F_GEOM_POS, F_JNT_RANGE, F_ACTUATOR_CTRLRANGE, F_QPOS0, F_ACTUATOR_GEAR,
  F_JNT_LIMITED, F_JNT_QPOSADR, F_JNT_DOFADR, F_JNT_TYPE, F_SENSOR_ADR, F_SENSOR_DIM, F_ACTUATOR_CTRLLIMITED // ints
};

// Pointer to one of the arrays above and its element count; NULL for an unknown id.
RS_EXPORT void* rs_field(rs_sim* s, int field, int* count) {
  const mjModel* m = s->m;
  mjData* d = s->d;
  switch (field) {
    case F_QPOS: *count = m->nq; return d->qpos;
    case F_QVEL: *count = m->nv; return d->qvel;
    case F_CTRL: *count = m->nu; return d->ctrl;
    case F_SENSORDATA: *count = m->nsensordata; return d->sensordata;
    case F_XPOS: *count = 3 * m->nbody; return d->xpos;
    case F_XMAT: *count = 9 * m->nbody; return d->xmat;
    case F_GEOM_XPOS: *count = 3 * m->ngeom; return d->geom_xpos;
    case F_QACC: *count = m->nv; return d->qacc;
    case F_BODY_MASS: *count = m->nbody; return m->body_mass;
    case F_BODY_INERTIA: *count = 3 * m->nbody; return m->body_inertia;
    case F_DOF_DAMPING: *count = m->nv; return m->dof_damping;
    case F_GEOM_FRICTION: *count = 3 * m->ngeom; return m->geom_friction;
    case F_ACTUATOR_GAINPRM: *count = mjNGAIN * m->nu; return m->actuator_gainprm;
    case F_ACTUATOR_BIASPRM: *count = mjNBIAS * m->nu; return m->actuator_biasprm;
    case F_GEOM_SIZE: *count = 3 * m->ngeom; return m->geom_size;
    case F_GEOM_POS: *count = 3 * m->ngeom; return m->geom_pos;
    case F_JNT_RANGE: *count = 2 * m->njnt; return m->jnt_range;
    case F_ACTUATOR_CTRLRANGE: *count = 2 * m->nu; return m->actuator_ctrlrange;
    case F_QPOS0: *count = m->nq; return m->qpos0;
    case F_ACTUATOR_GEAR: *count = 6 * m->nu; return m->actuator_gear;
    case F_JNT_LIMITED: *count = m->njnt; return m->jnt_limited;
    case F_JNT_QPOSADR: *count = m->njnt; return m->jnt_qposadr;
    case F_JNT_DOFADR: *count = m->njnt; return m->jnt_dofadr;
    case F_JNT_TYPE: *count = m->njnt; return m->jnt_type;
    case F_SENSOR_ADR: *count = m->nsensor; return m->sensor_adr;
    case F_SENSOR_DIM: *count = m->nsensor; return m->sensor_dim;
    case F_ACTUATOR_CTRLLIMITED: *count = m->nu; return m->actuator_ctrllimited;
    default: *count = 0; return NULL;
  }
}

// MuJoCo's own C loop over `nstep` steps, timed here, so the benchmark compares the binding against the
// same library in the same process (seconds, monotonic clock).
#include <time.h>
RS_EXPORT double rs_bench_c_loop(rs_sim* s, int nstep) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  RS_GUARDED(for (int i = 0; i < nstep; i++) mj_step(s->m, s->d), return -1);
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
}

// Self-tests of the handlers (tests only): raise a MuJoCo error / warning through MuJoCo's own functions.
RS_EXPORT int rs_selftest_error(void) {
  RS_GUARDED(mju_error("shim self-test: deliberate mju_error"), return -1);
  return 0;
}

RS_EXPORT void rs_selftest_warning(void) { mju_warning("shim self-test: deliberate mju_warning"); }
