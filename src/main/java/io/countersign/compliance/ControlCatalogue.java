package io.countersign.compliance;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every control rules may map to, by qualified id, in catalogue order. */
public final class ControlCatalogue {
    private final Map<String, Control> controls;

    public ControlCatalogue(Map<String, Control> controls) {
        this.controls = Collections.unmodifiableMap(new LinkedHashMap<>(controls));
    }

    public Optional<Control> find(String id) {
        return Optional.ofNullable(controls.get(id));
    }

    public Collection<Control> all() {
        return controls.values();
    }

    public List<Control> of(Framework framework) {
        return controls.values().stream().filter(c -> c.framework() == framework).toList();
    }
}
