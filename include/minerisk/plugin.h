/*
 * minerisk scoring-plugin interface: the stable binary boundary between the engine and a factor plugin.
 *
 * Plain C types only, so that a plugin built with another compiler or standard library still loads.
 * A plugin is a shared library that exports exactly one function:
 *
 *     MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void);
 *
 * It returns a descriptor with static storage duration. The engine checks `abi_version` against
 * MINERISK_PLUGIN_ABI_VERSION and refuses any other value with a clear message.
 *
 * Life of a plugin in one run:
 *   1. the engine validates the scenario's parameters against `params` (names, types, ranges);
 *   2. prepare(): per-run work over whole layers (indexes, per-feature tables, global normalisation
 *      constants) so that every block can later be scored independently of the others;
 *   3. score(): called for many blocks, possibly from several threads at once, in any order: it must read
 *      `state` only and must give the same values for a cell whatever block contains it;
 *   4. release().
 * Nothing may throw across this boundary: a function returns MR_OK or MR_ERROR and writes a message into
 * the caller's buffer (`err`, `err_size` bytes including the terminating zero).
 */
#ifndef MINERISK_PLUGIN_H
#define MINERISK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any change to the structs or function tables below. Version 2 added mr_plugin::roles at the end; the
 * engine still loads plugins built for version 1 (it reads no roles from them). */
#define MINERISK_PLUGIN_ABI_VERSION 2
#define MINERISK_PLUGIN_ABI_OLDEST 1
#define MINERISK_PLUGIN_ENTRY_POINT "minerisk_plugin_v1"

#if defined(_WIN32)
#define MINERISK_PLUGIN_EXPORT __declspec(dllexport)
#else
#define MINERISK_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

enum { MR_OK = 0, MR_ERROR = 1, MR_CANCELLED = 2 };

/* ---- the grid ------------------------------------------------------------------------------------ */

/* The scenario grid: north-up, square cells, in the working CRS (metres). Cell (col,row) covers
 * x in [gt[0] + col*gt[1], gt[0] + (col+1)*gt[1]) and y in (gt[3] + (row+1)*gt[5], gt[3] + row*gt[5]]
 * (GDAL geotransform, gt[5] < 0). */
typedef struct mr_grid {
    int64_t width;
    int64_t height;
    double geotransform[6];
    double cell_size;    /* metres; equals gt[1] and -gt[5] */
    const char* crs_wkt; /* WKT2 of the working CRS */
} mr_grid;

/* A rectangle of cells of the grid. May reach outside the grid (for halos). */
typedef struct mr_window {
    int64_t col0;
    int64_t row0;
    int64_t width;
    int64_t height;
} mr_window;

/* ---- parameters ---------------------------------------------------------------------------------- */

typedef enum mr_param_type {
    MR_PARAM_NUMBER = 0,  /* double, with optional [min, max] */
    MR_PARAM_INTEGER = 1, /* stored in `number`, integral, with optional [min, max] */
    MR_PARAM_BOOLEAN = 2, /* stored in `number` as 0 or 1 */
    MR_PARAM_STRING = 3,  /* `text`; if `choices` is set, one of them */
    MR_PARAM_TABLE = 4,   /* string -> number map, e.g. {CHA: 1.0, SHA: 0.6}; values within [min, max] */
    MR_PARAM_DATE = 5     /* `number` = days since 1970-01-01; written YYYY, YYYY-MM or YYYY-MM-DD */
} mr_param_type;

typedef struct mr_param_spec {
    const char* name;          /* snake_case, as written in the scenario */
    mr_param_type type;
    const char* default_value; /* as it would be written in YAML; NULL = required; "" = no value */
    double min;                /* ignored when min > max */
    double max;
    const char* choices;       /* strings: '|'-separated list, or NULL */
    const char* unit;          /* "m", "days", "" ... */
    const char* doc;           /* one sentence */
} mr_param_spec;

/* A parameter value after validation. Every parameter of the spec is present, defaults filled in. */
typedef struct mr_param_value {
    const char* name;
    mr_param_type type;
    double number;             /* NUMBER, INTEGER, BOOLEAN, DATE; NaN when unset */
    const char* text;          /* STRING; NULL when unset */
    int table_size;            /* TABLE */
    const char* const* table_keys;
    const double* table_values;
} mr_param_value;

/* ---- what the engine offers a plugin --------------------------------------------------------------
 * Layers are named by their scenario role: "hazards", "incidents", "settlements", "signs", "sessions", or
 * any extra layer the scenario declares. Features are numbered 0..count-1 in a stable order (input order
 * after skipping null/empty geometries). Geometries are in the working CRS, valid, as ISO WKB. Attribute
 * names are the scenario's roles (e.g. "status", "population", "date"), not the source field names.
 * All functions are safe to call from several threads at once. */
typedef struct mr_host mr_host;
struct mr_host {
    int abi_version;
    void* ctx; /* the engine's; pass back as the first argument */
    /* The run's reference date, days since 1970-01-01: ages and "recent" count back from it (the
     * scenario's as_of, else the latest date found in the inputs). */
    double as_of;
    /* The folder of the scenario file: resolve relative paths in parameters against it. */
    const char* base_dir;

    /* Number of features in a layer; -1 when the scenario has no such layer. */
    int64_t (*layer_size)(void* ctx, const char* layer);
    /* Does the layer map this attribute role? 1 yes, 0 no. */
    int (*has_attribute)(void* ctx, const char* layer, const char* attribute);

    /* Geometry as WKB (owned by the engine, valid for the run). Returns 0 when there is no such feature. */
    size_t (*feature_wkb)(void* ctx, const char* layer, int64_t feature, const unsigned char** wkb);
    /* Bounding box {xmin, ymin, xmax, ymax}. */
    int (*feature_bounds)(void* ctx, const char* layer, int64_t feature, double box[4]);
    /* Features whose bounding box intersects `box` (R-tree), ascending. Writes at most `capacity` ids and
     * returns the total number found, so a caller can size its buffer and call again. */
    int64_t (*features_in_box)(void* ctx, const char* layer, const double box[4], int64_t* ids,
                               int64_t capacity);

    /* Attributes. A missing or unparsable value gives NaN (numbers, dates) or NULL (text).
     * Dates are days since 1970-01-01 (year-only dates are 1 July, year-month dates the 15th). */
    double (*attr_number)(void* ctx, const char* layer, int64_t feature, const char* attribute);
    const char* (*attr_text)(void* ctx, const char* layer, int64_t feature, const char* attribute);
    double (*attr_date)(void* ctx, const char* layer, int64_t feature, const char* attribute);

    /* Burn features into a block: for each listed feature, cells whose centre lies inside it (polygons),
     * or that it touches (points, lines) get max(current, value). A polygon that covers no cell centre of
     * the grid (smaller than a cell, or a sliver) burns the one cell holding its point on surface, so that
     * no hazard vanishes from the map; the choice is made once per feature, so tiles agree. `out` is
     * window.width*window.height floats, row-major, and is not cleared first. Returns MR_OK or MR_ERROR
     * (message in err). */
    int (*rasterize)(void* ctx, const char* layer, const int64_t* features, const double* values,
                     int64_t count, mr_window window, float* out, char* err, size_t err_size);

    /* Messages for the run's log and report: level 0 = info, 1 = warning. */
    void (*log)(void* ctx, const char* plugin, int level, const char* message);
    /* Non-zero once the user has cancelled: return MR_CANCELLED soon. */
    int (*cancelled)(void* ctx);
};

/* ---- what a plugin offers the engine ------------------------------------------------------------- */

/* An extra raster a plugin can write besides its score (e.g. distance in metres). */
typedef struct mr_band_spec {
    const char* name;        /* file-name safe, e.g. "distance" */
    const char* unit;        /* e.g. "m" */
    const char* description; /* one sentence */
} mr_band_spec;

typedef struct mr_plugin {
    int abi_version; /* MINERISK_PLUGIN_ABI_VERSION the plugin was built for */
    const char* name;
    const char* version;
    const char* description;

    const mr_param_spec* params;
    int param_count;

    /* Layers the plugin reads; a required one missing from the scenario is an error before the run. */
    const char* const* required_layers;
    int required_layer_count;
    const char* const* optional_layers;
    int optional_layer_count;

    /* Extra bands written beside the score, filled by score() when asked. */
    const mr_band_spec* extra_bands;
    int extra_band_count;

    int (*prepare)(const mr_host* host, const mr_grid* grid, const mr_param_value* params, int param_count,
                   void** state, char* err, size_t err_size);

    /* How far (metres) a feature's influence reaches: beyond it the score is constant to within 1e-4.
     * Tiled runs use it to size halos; 0 for purely local factors. */
    double (*reach)(const void* state);

    /* Fill one block. bands[0] is the score in [0,1] (or NaN for "no data"); bands[1..extra_band_count]
     * are the extra bands, each NULL when not wanted. Each is window.width*window.height floats, row-major. */
    int (*score)(const void* state, const mr_host* host, mr_window window, float* const* bands, char* err,
                 size_t err_size);

    void (*release)(void* state);

    /* Since interface version 2: the roles the factor plays beyond its score, '|'-separated, or NULL for none.
     * The engine never asks for a plugin by name; it asks for a role (docs/plugin-guide.md, "Roles"):
     *   "baseline"      the backtest scores the factor alone, as a baseline the combined map must beat;
     *   "hazard_rules"  its class_weights, default_class_weight, ordnance_weights, default_ordnance_weight and
     *                   excluded_statuses parameters are the run's hazard rules (zones, plans, report, and the
     *                   defaults of every other factor with such parameters);
     *   "sign_cover"    its cover_distance is the sign plan's default cover, its ignored_conditions the signs
     *                   that mark nothing.
     * A scenario's factor may set its own list with `roles: [...]`, which replaces this one. */
    const char* roles;
} mr_plugin;

typedef const mr_plugin* (*mr_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* MINERISK_PLUGIN_H */
