// What the plans share (beside the hazard rings and sign points of zones/context.cpp): a point per settlement,
// and the people living near a point.
#include <ogr_api.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <cctype>

#include "plans/plans_internal.hpp"

namespace minerisk::plans {

using zones::lower_trim;

bool point_of(const OGRGeometry* g, double& x, double& y) {
    if (!g || g->IsEmpty()) return false;
    if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
        x = g->toPoint()->getX();
        y = g->toPoint()->getY();
        return true;
    }
    OGRGeometryH p = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
    if (!p) return false;
    std::unique_ptr<OGRGeometry> point(OGRGeometry::FromHandle(p));
    if (point->IsEmpty() || wkbFlatten(point->getGeometryType()) != wkbPoint) return false;
    x = point->toPoint()->getX();
    y = point->toPoint()->getY();
    return true;
}

std::string text_of(const FeatureLayer* l, const char* role, std::int64_t i) {
    if (!l) return {};
    const Column* c = l->column(role);
    if (!c || i < 0 || static_cast<size_t>(i) >= c->text.size()) return {};
    if (static_cast<size_t>(i) < c->present.size() && !c->present[static_cast<size_t>(i)]) return {};
    return c->text[static_cast<size_t>(i)];
}

double number_of(const FeatureLayer* l, const char* role, std::int64_t i) {
    if (!l) return NAN;
    const Column* c = l->column(role);
    if (!c || i < 0 || static_cast<size_t>(i) >= c->number.size()) return NAN;
    return c->number[static_cast<size_t>(i)];
}

std::vector<char> counted_hazards(const PlanInputs& in, std::int64_t* later) {
    const FeatureLayer* h = in.inputs ? in.inputs->find("hazards") : nullptr;
    std::vector<char> out(static_cast<size_t>(h ? h->size() : 0), 0);
    if (later) *later = 0;
    for (std::int64_t i = 0; h && i < h->size(); ++i) {
        if (!in.rules.counts(text_of(h, "status", i))) continue;
        const double recorded = number_of(h, "date", i);
        if (std::isfinite(recorded) && recorded > in.as_of) {
            if (later) ++*later;
            continue;
        }
        out[static_cast<size_t>(i)] = 1;
    }
    return out;
}

std::vector<Pt> counted_sign_points(const PlanInputs& in) {
    std::vector<Pt> out;
    const FeatureLayer* s = in.inputs ? in.inputs->find("signs") : nullptr;
    for (std::int64_t i = 0; s && i < s->size(); ++i) {
        if (!in.rules.sign_marks(text_of(s, "condition", i))) continue;
        const double placed = number_of(s, "date", i);
        if (std::isfinite(placed) && placed > in.as_of) continue;
        points_of(s->geometry[static_cast<size_t>(i)].get(), out);
    }
    return out;
}

std::string hazard_label(const FeatureLayer* hazards, std::int64_t i) {
    std::string s = text_of(hazards, "id", i);
    if (s.empty()) s = text_of(hazards, "name", i);
    if (s.empty()) s = "hazard #" + std::to_string(hazards ? hazards->fid[static_cast<size_t>(i)] : i);
    return s;
}

std::string settlement_label(const FeatureLayer* settlements, std::int64_t i) {
    std::string s = text_of(settlements, "name", i);
    if (s.empty()) s = text_of(settlements, "id", i);
    if (s.empty()) s = "settlement #" + std::to_string(settlements ? settlements->fid[static_cast<size_t>(i)] : i);
    return s;
}

// ---- people near a point ----------------------------------------------------------------------------------------

PeopleNear::PeopleNear(const PlanInputs& in, double radius) : r_(radius) {
    const FeatureLayer* l = in.inputs ? in.inputs->find("settlements") : nullptr;
    for (std::int64_t i = 0; l && i < l->size(); ++i) {
        double x, y;
        if (!point_of(l->geometry[static_cast<size_t>(i)].get(), x, y)) continue;
        const double pop = number_of(l, "population", i);
        const double people = (std::isfinite(pop) && pop > 0 ? pop : 0) * (number_of(l, "returnee", i) == 1 ? in.returnee_weight : 1.0);
        s_.push_back({x, y, people, i});
    }
    if (s_.empty()) return;
    // A grid of bins of the radius's size: a query looks at the 3 x 3 bins around its point.
    double x1 = s_[0].x, y1 = s_[0].y;
    x0_ = x1, y0_ = y1;
    for (const S& s : s_) x0_ = std::min(x0_, s.x), y0_ = std::min(y0_, s.y), x1 = std::max(x1, s.x), y1 = std::max(y1, s.y);
    bin_ = std::max(r_, 1.0);
    nx_ = std::min<std::int64_t>(4096, static_cast<std::int64_t>((x1 - x0_) / bin_) + 1);
    ny_ = std::min<std::int64_t>(4096, static_cast<std::int64_t>((y1 - y0_) / bin_) + 1);
    bin_ = std::max({bin_, (x1 - x0_) / double(nx_) + 1e-9, (y1 - y0_) / double(ny_) + 1e-9});
    bins_.assign(static_cast<size_t>(nx_ * ny_), {});
    for (size_t k = 0; k < s_.size(); ++k) {
        const std::int64_t bx = std::min(nx_ - 1, static_cast<std::int64_t>((s_[k].x - x0_) / bin_));
        const std::int64_t by = std::min(ny_ - 1, static_cast<std::int64_t>((s_[k].y - y0_) / bin_));
        bins_[static_cast<size_t>(by * nx_ + bx)].push_back(static_cast<std::int32_t>(k));
    }
}

double PeopleNear::at(double x, double y) const {
    if (s_.empty() || !(r_ > 0)) return 0;
    const double r2 = r_ * r_;
    const std::int64_t bx = static_cast<std::int64_t>(std::floor((x - x0_) / bin_));
    const std::int64_t by = static_cast<std::int64_t>(std::floor((y - y0_) / bin_));
    const std::int64_t reach = static_cast<std::int64_t>(std::ceil(r_ / bin_));
    double sum = 0;
    for (std::int64_t j = std::max<std::int64_t>(0, by - reach); j <= std::min(ny_ - 1, by + reach); ++j)
        for (std::int64_t i = std::max<std::int64_t>(0, bx - reach); i <= std::min(nx_ - 1, bx + reach); ++i)
            for (std::int32_t k : bins_[static_cast<size_t>(j * nx_ + i)]) {
                const S& s = s_[static_cast<size_t>(k)];
                const double d2 = (s.x - x) * (s.x - x) + (s.y - y) * (s.y - y);
                if (d2 >= r2) continue;
                const double q = 1 - d2 / r2;
                sum += s.people * q * q;
            }
    return sum;
}

std::int64_t PeopleNear::nearest(double x, double y, double* distance) const {
    std::int64_t best = -1;
    double bd = INFINITY;
    for (const S& s : s_) {  // a few per sign: the number of settlements is small next to the work of the plan
        const double d = std::hypot(s.x - x, s.y - y);
        if (d < bd) bd = d, best = s.feature;
    }
    if (distance) *distance = best < 0 ? NAN : bd;
    return best;
}

}  // namespace minerisk::plans
