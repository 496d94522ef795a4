/* Uses the model that `backprop export --language c --name iris` wrote as iris.h and iris.c.
   Build: cc -std=c99 -Wall -Wextra -Werror -pedantic iris.c main.c -o iris -lm */
#include <stdio.h>
#include "iris.h"

int main(void) {
    const float flowers[2][IRIS_INPUTS] = {{5.1f, 3.5f, 1.4f, 0.2f}, {6.7f, 3.0f, 5.2f, 2.3f}};
    float p[IRIS_OUTPUTS];
    int i, j, best;
    for (i = 0; i < 2; i++) {
        iris_predict(flowers[i], p);
        for (best = 0, j = 1; j < IRIS_OUTPUTS; j++) if (p[j] > p[best]) best = j;
        printf("%s %.4f %.4f %.4f\n", iris_class_names[best], p[0], p[1], p[2]);
    }
    return 0;
}
