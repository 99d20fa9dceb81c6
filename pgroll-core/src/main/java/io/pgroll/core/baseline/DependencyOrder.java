package io.pgroll.core.baseline;

import io.pgroll.core.PgRollException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** Orders objects so that each comes after what it needs; among those free to go, by phase, then as given. */
final class DependencyOrder {

    private DependencyOrder() {
    }

    static List<SchemaObject> sort(List<SchemaObject> objects) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < objects.size(); i++) {
            position.put(objects.get(i).key(), i);
        }
        int[] waitingFor = new int[objects.size()];
        Map<String, List<Integer>> neededBy = new HashMap<>();
        for (int i = 0; i < objects.size(); i++) {
            for (String need : objects.get(i).needs()) {
                if (position.containsKey(need) && !need.equals(objects.get(i).key())) {
                    waitingFor[i]++;
                    neededBy.computeIfAbsent(need, k -> new ArrayList<>()).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(Comparator
                .comparing((Integer i) -> objects.get(i).phase()).thenComparing(i -> i));
        for (int i = 0; i < objects.size(); i++) {
            if (waitingFor[i] == 0) {
                ready.add(i);
            }
        }
        List<SchemaObject> sorted = new ArrayList<>();
        while (!ready.isEmpty()) {
            SchemaObject next = objects.get(ready.poll());
            sorted.add(next);
            for (int dependent : neededBy.getOrDefault(next.key(), List.of())) {
                if (--waitingFor[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (sorted.size() < objects.size()) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                if (waitingFor[i] > 0) {
                    stuck.add(objects.get(i).label());
                }
            }
            throw new PgRollException("cannot write the schema as a script: these objects depend on each other in a "
                    + "cycle: " + String.join(", ", stuck));
        }
        return sorted;
    }
}
